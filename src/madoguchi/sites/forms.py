"""The upload of site files."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from madoguchi.engine.limits import MAX_FILE_BYTES, MAX_UPLOAD_FILES


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)]


class ImportForm(forms.Form):
    """Up to MAX_UPLOAD_FILES site files of at most MAX_FILE_BYTES each (engine.limits).

    `refused` names the files the upload handler stopped reading because they were too large
    (they are not in `files`); the form names them instead of saying "no file"."""

    def __init__(self, *args: Any, refused: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Added here, not declared on the class: there a field named `files` would read as
        # the form's own `files` (the request's uploads), which the form reads below.
        self.fields["files"] = MultipleFileField(
            label=_("site files (YAML)"), widget=MultipleFileInput(attrs={"accept": ".yaml,.yml"})
        )
        self.fields["keep_time"] = forms.BooleanField(
            label=_("Keep this file's time fixed"),
            required=False,
            help_text=_(
                "Leave this off: the site is then checked at the current time. Tick it only to "
                "see the site as it was at the file's “now:” (for testing or training)."
            ),
        )
        self.refused = refused or []

    def _too_large(self, name: str) -> str:
        return _("%(name)s is larger than %(size)s MB; a site file may hold at most that.") % {
            "name": name,
            "size": f"{MAX_FILE_BYTES / 1_000_000:g}",
        }

    def full_clean(self) -> None:
        super().full_clean()
        if self.is_bound and self.refused:
            if "files" in self.errors and not self.files.getlist("files"):
                del self.errors["files"]  # "required" would hide the real reason
            for name in self.refused:
                self.add_error("files", self._too_large(name))

    def clean_files(self) -> list[Any]:
        uploads: list[Any] = self.cleaned_data["files"]
        if len(uploads) + len(self.refused) > MAX_UPLOAD_FILES:
            raise forms.ValidationError(
                _("At most %(count)d files at once; import the rest separately.")
                % {"count": MAX_UPLOAD_FILES}
            )
        too_large = [u.name for u in uploads if u.size is not None and u.size > MAX_FILE_BYTES]
        if too_large:
            raise forms.ValidationError([self._too_large(name) for name in too_large])
        return uploads
