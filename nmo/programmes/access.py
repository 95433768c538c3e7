"""Who may see and manage programmes and cohorts: the organisation staff of the
programme's organisation. Anyone else signed in with the staff role gets NotFound (as if
the programme did not exist); a person without the role gets PermissionDenied; a visitor
who is not signed in, NotAuthenticated."""

from django.contrib.auth.models import AnonymousUser

from nmo.accounts.access import require_login, require_role
from nmo.accounts.models import Role, User
from nmo.accounts.selectors import has_role
from nmo.core.exceptions import NotFound
from nmo.programmes.models import (
    Admission,
    Cohort,
    CohortNotice,
    Debt,
    Enrolment,
    Programme,
    ProgrammeApplication,
    ProgrammeStage,
    SpecialConditionsApplication,
    SpecialConditionsDocument,
)


def access_programme(actor: User | AnonymousUser, programme_id: int) -> Programme:
    """Return the programme for the staff of its organisation."""
    require_role(actor, Role.ORGANISATION_STAFF)
    programme = (
        Programme.objects.select_related("organisation", "unit").filter(pk=programme_id).first()
    )
    if programme is None or not has_role(actor, Role.ORGANISATION_STAFF, programme.organisation):
        raise NotFound()
    return programme


def access_cohort(actor: User | AnonymousUser, cohort_id: int) -> Cohort:
    """Return the cohort for the staff of its programme's organisation."""
    require_role(actor, Role.ORGANISATION_STAFF)
    cohort = (
        Cohort.objects.select_related("programme", "programme__organisation", "unit")
        .filter(pk=cohort_id)
        .first()
    )
    if cohort is None or not has_role(
        actor, Role.ORGANISATION_STAFF, cohort.programme.organisation
    ):
        raise NotFound()
    return cohort


def access_enrolment(actor: User | AnonymousUser, cohort: Cohort, enrolment_id: int) -> Enrolment:
    """Return a learner's enrolment in a cohort the actor already accessed."""
    enrolment = (
        Enrolment.objects.select_related("learner", "cohort")
        .filter(pk=enrolment_id, cohort=cohort)
        .first()
    )
    if enrolment is None:
        raise NotFound()
    return enrolment


def access_admission(actor: User | AnonymousUser, cohort: Cohort, admission_id: int) -> Admission:
    """Return an admission decision of a cohort the actor already accessed."""
    admission = (
        Admission.objects.select_related("enrolment", "enrolment__learner")
        .filter(pk=admission_id, enrolment__cohort=cohort)
        .first()
    )
    if admission is None:
        raise NotFound()
    return admission


def access_notice(actor: User | AnonymousUser, cohort: Cohort, notice_id: int) -> CohortNotice:
    """Return a notice of a cohort the actor already accessed."""
    notice = CohortNotice.objects.filter(pk=notice_id, cohort=cohort).first()
    if notice is None:
        raise NotFound()
    return notice


def access_stage(
    actor: User | AnonymousUser, programme: Programme, stage_id: int
) -> ProgrammeStage:
    """Return a stage of a programme the actor already accessed (the page and the API)."""
    stage = ProgrammeStage.objects.filter(pk=stage_id, programme=programme).first()
    if stage is None:
        raise NotFound()
    return stage


def access_debt(actor: User | AnonymousUser, enrolment: Enrolment, debt_id: int) -> Debt:
    """Return a debt of an enrolment the actor already accessed (the page and the API)."""
    debt = Debt.objects.filter(pk=debt_id, enrolment=enrolment).first()
    if debt is None:
        raise NotFound()
    return debt


def access_own_enrolment(actor: User | AnonymousUser, enrolment_id: int) -> Enrolment:
    """Return one of the learner's own enrolments; anyone else's is NotFound."""
    learner = require_login(actor)
    enrolment = (
        Enrolment.objects.select_related("cohort__programme__organisation", "learner")
        .filter(pk=enrolment_id, learner=learner)
        .first()
    )
    if enrolment is None:
        raise NotFound()
    return enrolment


def access_special_conditions_application(
    actor: User | AnonymousUser, application_id: int
) -> SpecialConditionsApplication:
    """Return an application for special conditions for the staff of the enrolment's
    organisation (who decide on it); anyone else gets NotFound."""
    require_role(actor, Role.ORGANISATION_STAFF)
    application = (
        SpecialConditionsApplication.objects.select_related(
            "enrolment__cohort__programme__organisation", "enrolment__learner"
        )
        .filter(pk=application_id)
        .first()
    )
    if application is None or not has_role(
        actor, Role.ORGANISATION_STAFF, application.enrolment.cohort.programme.organisation
    ):
        raise NotFound()
    return application


def access_special_conditions_document(
    actor: User | AnonymousUser, application_id: int, document_id: int
) -> SpecialConditionsDocument:
    """Return a supporting document (medical) only to the learner who filed it and to the
    staff of the organisation who decide; to everyone else — other learners, the
    commission — it does not exist (NotFound)."""
    person = require_login(actor)
    document = (
        SpecialConditionsDocument.objects.select_related(
            "application__enrolment__cohort__programme__organisation"
        )
        .filter(pk=document_id, application_id=application_id)
        .first()
    )
    if document is None:
        raise NotFound()
    enrolment = document.application.enrolment
    if enrolment.learner_id == person.pk or has_role(
        person, Role.ORGANISATION_STAFF, enrolment.cohort.programme.organisation
    ):
        return document
    raise NotFound()


def access_programme_application(
    actor: User | AnonymousUser, application_id: int
) -> ProgrammeApplication:
    """Return an application for a cohort to the staff of the cohort's organisation (who
    decide on it); 403 without the staff role, NotFound for another organisation's."""
    require_role(actor, Role.ORGANISATION_STAFF)
    application = (
        ProgrammeApplication.objects.select_related(
            "specialist", "cohort__programme__organisation", "decided_by", "enrolment"
        )
        .filter(pk=application_id)
        .first()
    )
    if application is None or not has_role(
        actor, Role.ORGANISATION_STAFF, application.cohort.programme.organisation
    ):
        raise NotFound()
    return application


def access_own_application(
    actor: User | AnonymousUser, application_id: int
) -> ProgrammeApplication:
    """Return one of the specialist's own applications; anyone else's is NotFound."""
    person = require_login(actor)
    application = (
        ProgrammeApplication.objects.select_related("cohort__programme__organisation")
        .filter(pk=application_id, specialist=person)
        .first()
    )
    if application is None:
        raise NotFound()
    return application
