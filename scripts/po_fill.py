"""Fill msgstr entries of a gettext catalogue from a JSON object {msgid: translation}.

    python scripts/po_fill.py registry/locale/fr/LC_MESSAGES/django.po /tmp/fr.json
    python scripts/po_fill.py --missing registry/locale/fr/LC_MESSAGES/django.po

Plural entries take a list of translations; a short list is padded with its last form up to the
catalogue's number of plural forms (French has three in Django's catalogues: one, "millions",
other). Fuzzy flags are cleared on filled entries.
Run `make messages` afterwards to compile the .mo files.
"""

import argparse
import json
import sys

import polib


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("po")
    parser.add_argument("translations", nargs="?")
    parser.add_argument("--missing", action="store_true", help="list untranslated msgids as JSON")
    args = parser.parse_args()
    catalogue = polib.pofile(args.po, wrapwidth=0)

    if args.missing:
        missing = {
            e.msgid: ([""] * 3 if e.msgid_plural else "")
            for e in catalogue
            if not e.obsolete
            and (
                not e.translated()
                or "fuzzy" in e.flags
                or (e.msgid_plural and not all(e.msgstr_plural.values()))
            )
        }
        json.dump(missing, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return

    with open(args.translations, encoding="utf-8") as handle:
        translations = json.load(handle)
    plural_forms = catalogue.metadata.get("Plural-Forms", "nplurals=2;")
    nplurals = int(plural_forms.split("nplurals=")[1].split(";")[0])
    filled = 0
    for entry in catalogue:
        value = translations.get(entry.msgid)
        if not value:
            continue
        if entry.msgid_plural:
            forms = list(value) + [value[-1]] * (nplurals - len(value))
            entry.msgstr_plural = dict(enumerate(forms))
        else:
            entry.msgstr = value
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        filled += 1
    catalogue.save()
    left = sum(1 for e in catalogue if not e.obsolete and not e.translated())
    print(f"{filled} entries filled, {left} still untranslated in {args.po}")


if __name__ == "__main__":
    main()
