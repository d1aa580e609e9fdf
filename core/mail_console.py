"""A development mailer that prints e-mails as people read them.

Django's console backend prints the raw message, where quoted-printable splits long lines with
a trailing "=": a verification link copied from the terminal then breaks. This one prints the
headers that matter and the decoded text of each part.
"""

from django.core.mail.backends.console import EmailBackend as ConsoleBackend


class EmailBackend(ConsoleBackend):
    def write_message(self, message):
        msg = message.message()
        for header in ("From", "To", "Cc", "Reply-To", "Subject", "Date"):
            if msg[header]:
                self.stream.write(f"{header}: {msg[header]}\n")
        for part in msg.walk():
            if part.get_content_maintype() == "text":
                self.stream.write(f"\n[{part.get_content_type()}]\n{part.get_content()}\n")
        self.stream.write("-" * 79 + "\n")
