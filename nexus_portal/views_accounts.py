"""Sign-in with an optional second step (TOTP), and the page where a user sets up or removes it.

See nexus_portal/two_factor.py for how the pending sign-in works. Sign-in failures, wrong codes
included, are throttled by django-axes (settings: AXES_*).
"""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from nexus_portal import two_factor


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code from your authenticator app"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class LoginView(auth_views.LoginView):
    """Django's login; when the account has (or must have) a second factor, the password only opens step two."""

    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if not two_factor.second_step_needed(user):
            return super().form_valid(form)
        two_factor.start_pending(self.request, user, self.get_success_url())
        return HttpResponseRedirect(reverse("login_second_step"))


def _safe_next(request, url: str) -> str:
    allowed = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if url and allowed else reverse("home")


@never_cache
@sensitive_post_parameters("code")
def login_second_step(request):
    """Step two of signing in: the code from the authenticator, or setting one up if it is required."""
    pending = two_factor.load_pending(request)
    user = None
    if pending is not None:
        user = get_user_model().objects.filter(pk=pending.user_id, is_active=True).first()
    if pending is None or user is None:
        two_factor.clear_pending(request)
        messages.info(request, _("Your sign-in took too long or was not started. Please sign in again."))
        return redirect("login")

    device = two_factor.confirmed_device(user)
    enrolling = device is None  # only reached when two-factor sign-in is required for this user
    if enrolling:
        device = TOTPDevice.objects.filter(pk=pending.device_id, user=user, confirmed=False).first()
        if device is None:
            device = two_factor.new_unconfirmed_device(user)
            pending.device_id = device.pk
            two_factor.save_pending(request, pending)

    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        accepted = (
            two_factor.confirm_device(device, code) if enrolling else device.verify_token(two_factor.clean_code(code))
        )
        if accepted:
            two_factor.clear_pending(request)
            auth_login(request, user, backend=pending.backend)
            otp_login(request, device)
            if enrolling:
                messages.success(request, _("Two-factor sign-in is set up."))
            return HttpResponseRedirect(_safe_next(request, pending.next_url))
        two_factor.report_wrong_code(request, user)
        pending.wrong_codes += 1
        if pending.wrong_codes >= two_factor.MAX_WRONG_CODES:
            two_factor.clear_pending(request)
            messages.error(request, _("Too many wrong codes. Please sign in again."))
            return redirect("login")
        two_factor.save_pending(request, pending)
        form.add_error("code", _("That code is not right, or it was already used. Try the next code."))
    context = {"form": form, "enrolling": enrolling}
    if enrolling:
        context.update(
            secret=two_factor.secret_text(device), qr=two_factor.qr_data_uri(device), otpauth=device.config_url
        )
    return render(request, "registration/login_second_step.html", context)


@never_cache
@login_required
@sensitive_post_parameters("code")
def two_factor_settings(request):
    """Turn two-factor sign-in on (scan, then confirm a code) or off (with a current code)."""
    user = request.user
    device = two_factor.confirmed_device(user)
    required = two_factor.required_for(user)
    action = request.POST.get("action", "")
    form = CodeForm(request.POST if action in ("confirm", "disable") else None)
    setup = None

    if request.method == "POST" and action == "start" and device is None:
        setup = two_factor.new_unconfirmed_device(user)
    elif request.method == "POST" and action == "confirm" and device is None:
        setup = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
        if setup is None:
            return redirect("two_factor")
        if form.is_valid() and two_factor.confirm_device(setup, form.cleaned_data["code"]):
            otp_login(request, setup)
            messages.success(request, _("Two-factor sign-in is on. From now on you will be asked for a code."))
            return redirect("two_factor")
        if form.is_valid():
            form.add_error("code", _("That code is not right, or it was already used. Try the next code."))
    elif request.method == "POST" and action == "disable" and device is not None and not required:
        if form.is_valid() and device.verify_token(two_factor.clean_code(form.cleaned_data["code"])):
            TOTPDevice.objects.filter(user=user).delete()
            messages.success(request, _("Two-factor sign-in is off."))
            return redirect("two_factor")
        if form.is_valid():
            form.add_error("code", _("That code is not right, or it was already used. Try the next code."))
    elif request.method == "POST":
        return redirect("two_factor")

    context = {"device": device, "required": required, "form": form, "setup": setup}
    if setup is not None:
        context.update(secret=two_factor.secret_text(setup), qr=two_factor.qr_data_uri(setup), otpauth=setup.config_url)
    return render(request, "registration/two_factor.html", context)


def admin_login(request):
    """The admin signs in through the portal's own login (throttled, with the second step). A signed-in user
    who is not staff lands here from the admin: refuse, rather than loop between the two logins."""
    if request.user.is_authenticated:
        raise PermissionDenied
    target = request.GET.get("next", "") or reverse("admin:index")
    return redirect(f"{reverse('login')}?{urlencode({'next': target})}")
