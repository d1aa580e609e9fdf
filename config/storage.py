"""Static files in production: WhiteNoise's compressed, hashed files, tolerant of the source maps
that vendor scripts name without shipping them (leaflet.markercluster's
`//# sourceMappingURL=leaflet.markercluster.js.map`), which would otherwise stop collectstatic."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def url_converter(self, name, hashed_files, template=None, *args, **kwargs):
        convert = super().url_converter(name, hashed_files, template, *args, **kwargs)

        def convert_or_keep_missing_source_map(matchobj):
            try:
                return convert(matchobj)
            except ValueError:
                if matchobj["url"].endswith(".map"):
                    return matchobj["matched"]  # browsers simply go without the map
                raise

        return convert_or_keep_missing_source_map
