from django import forms
from django.utils.translation import gettext_lazy as _


class PreferenceForm(forms.Form):
    email = forms.BooleanField(label=_("Email"), required=False,
                               widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
    sms = forms.BooleanField(label=_("SMS"), required=False,
                             widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
    im = forms.BooleanField(label=_("Instant message"), required=False,
                            widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
    phone = forms.CharField(label=_("Mobile phone for SMS"), max_length=30, required=False)
    im_handle = forms.CharField(label=_("IM account"), max_length=100, required=False)
