"""Two-factor sign-in with time-based one-time codes (TOTP, RFC 6238) from django-otp.

Nobody is half signed in: when the password is right and the account has a confirmed authenticator
(or must have one: reviewers when REQUIRE_REVIEWER_2FA is on), the login view only remembers *who* is
signing in, in the session, for TWO_FACTOR_PENDING_SECONDS. `django.contrib.auth.login()` is called
after the code checks out, so until then every page, the admin and the API see an anonymous visitor.

django-otp keeps the secret, refuses a code used before (replay) and slows down repeated wrong codes;
each wrong code also counts as a failed sign-in for django-axes, so guessing codes locks the account
like guessing passwords does. The QR code is drawn here (qrcode, SVG): no request leaves the server.
"""

import base64
import io
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django_otp.plugins.otp_totp.models import TOTPDevice

PENDING_KEY = "nexus_two_factor_pending"
MAX_WRONG_CODES = 5


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def required_for(user) -> bool:
    return bool(getattr(settings, "REQUIRE_REVIEWER_2FA", False) and getattr(user, "is_reviewer", False))


def second_step_needed(user) -> bool:
    return required_for(user) or confirmed_device(user) is not None


# -- the pending sign-in, kept in the session between the password and the code -------------------
@dataclass
class Pending:
    user_id: int
    backend: str
    next_url: str
    started: float
    wrong_codes: int = 0
    device_id: int | None = None  # an authenticator being set up during this sign-in

    def expired(self) -> bool:
        return time.time() - self.started > getattr(settings, "TWO_FACTOR_PENDING_SECONDS", 300)


def start_pending(request, user, next_url: str) -> None:
    request.session.cycle_key()  # a new session id: nothing learnt before the password carries over
    save_pending(request, Pending(user_id=user.pk, backend=user.backend, next_url=next_url, started=time.time()))


def load_pending(request) -> Pending | None:
    data = request.session.get(PENDING_KEY)
    if not data:
        return None
    try:
        pending = Pending(**data)
    except TypeError:
        return None
    return None if pending.expired() else pending


def save_pending(request, pending: Pending) -> None:
    request.session[PENDING_KEY] = pending.__dict__.copy()


def clear_pending(request) -> None:
    request.session.pop(PENDING_KEY, None)


def report_wrong_code(request, user) -> None:
    """A wrong code counts as a failed sign-in for django-axes (lockout by username and address)."""
    user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=request)


# -- setting up an authenticator --------------------------------------------------------------------
def new_unconfirmed_device(user) -> TOTPDevice:
    """A fresh secret for `user`; earlier unfinished set-ups are dropped (their secrets were shown once)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def confirm_device(device: TOTPDevice, code: str) -> bool:
    if not device.verify_token(clean_code(code)):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user_id=device.user_id).exclude(pk=device.pk).delete()  # one authenticator
    return True


def clean_code(code: str) -> str:
    return "".join((code or "").split())


def secret_text(device: TOTPDevice) -> str:
    """The secret in base32 groups of four, for typing into an authenticator app."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[index : index + 4] for index in range(0, len(secret), 4))


def qr_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// URI as an SVG QR code in a data: URI (allowed by the CSP's img-src)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()
