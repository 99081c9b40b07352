"""/accounts/tokens/: a user's API tokens. The key is shown once, in the response that creates it,
and never again (only its hash is stored)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from nexus_portal.api.tokens import ApiToken


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"), max_length=100, help_text=gettext_lazy("Which system uses it, e.g. 'NGO database'.")
    )
    read_only = forms.BooleanField(
        label=gettext_lazy("Read-only"),
        required=False,
        initial=True,
        help_text=gettext_lazy("A read-only token can read but never change anything. Untick only if needed."),
    )


@never_cache
@login_required
def tokens(request):
    tokens_of_user = ApiToken.objects.filter(user=request.user)
    context = {"tokens": tokens_of_user, "form": TokenForm(), "new_key": None, "to_revoke": None}
    if request.method == "POST" and request.POST.get("action") == "revoke":
        token = get_object_or_404(tokens_of_user, pk=request.POST.get("token"), revoked_at__isnull=True)
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
        return redirect("api_tokens")
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            token, key = ApiToken.issue(user=request.user, **form.cleaned_data)
            context.update(new_key=key, new_token=token)
        else:
            context["form"] = form
    elif request.GET.get("revoke", "").isdigit():
        # Revoking breaks the systems that use the token, so the button only asks first.
        context["to_revoke"] = tokens_of_user.filter(pk=request.GET["revoke"], revoked_at__isnull=True).first()
    return render(request, "tokens/list.html", context)
