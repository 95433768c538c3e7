"""Refusals of the nomenclature of specialties."""

from nmo.core.exceptions import ValidationFailed

__all__ = ["SpecialtiesFileInvalid", "SpecialtyInvalid"]


class SpecialtiesFileInvalid(ValidationFailed):
    """The nomenclature data file is malformed; nothing from it was loaded."""

    code = "specialties_file_invalid"
    default_message = "Файл номенклатуры специальностей содержит ошибки; ничего не загружено."


class SpecialtyInvalid(ValidationFailed):
    """An administrator's specialty breaks a rule: empty, too long or a taken code or name."""

    code = "specialty_invalid"
    default_message = "Проверьте код и наименование специальности."
