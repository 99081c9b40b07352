"""Admin for the sign-in security apps: TOTP devices (to remove a lost phone's authenticator) pick the
user with autocomplete like every other link to the big user table; django-axes registers its own
lockout records (AccessAttempt: delete a row to lift a lockout early)."""

from django.contrib import admin
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin as OtpTOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(OtpTOTPDeviceAdmin):
    raw_id_fields = []
    autocomplete_fields = ["user"]
