"""State changes of programmes, cohorts, notices and admission, one function per action
(split by topic)."""

from nmo.programmes.services.admission import (
    admit_to_retake,
    decide_admission,
    override_admission,
)
from nmo.programmes.services.applications import (
    accept_application,
    apply_for_cohort,
    decline_application,
    record_contract,
    withdraw_application,
)
from nmo.programmes.services.bank import import_assessment_bank
from nmo.programmes.services.catalogue import (
    publish_programme,
    unpublish_programme,
    update_catalogue_card,
)
from nmo.programmes.services.cohorts import (
    clear_debt,
    create_cohort,
    enrol_learner,
    import_learners,
    import_learners_file,
    mark_programme_completed,
    record_debt,
    record_intermediate_result,
    update_cohort,
    update_enrolment,
)
from nmo.programmes.services.curriculum import set_curriculum
from nmo.programmes.services.jobs import learners_file_is_small, start_learners_import
from nmo.programmes.services.notices import plan_notices, retry_notice, send_due_notices
from nmo.programmes.services.programmes import (
    add_stage,
    create_programme,
    remove_stage,
    update_programme,
    update_stage,
)
from nmo.programmes.services.special_conditions import (
    file_special_conditions,
    grant_special_conditions,
    refuse_special_conditions,
)

__all__ = [
    "accept_application",
    "add_stage",
    "admit_to_retake",
    "apply_for_cohort",
    "clear_debt",
    "create_cohort",
    "create_programme",
    "decide_admission",
    "decline_application",
    "enrol_learner",
    "file_special_conditions",
    "grant_special_conditions",
    "import_assessment_bank",
    "import_learners",
    "import_learners_file",
    "learners_file_is_small",
    "mark_programme_completed",
    "override_admission",
    "plan_notices",
    "publish_programme",
    "record_contract",
    "record_debt",
    "record_intermediate_result",
    "refuse_special_conditions",
    "remove_stage",
    "retry_notice",
    "send_due_notices",
    "set_curriculum",
    "start_learners_import",
    "unpublish_programme",
    "update_catalogue_card",
    "update_cohort",
    "update_enrolment",
    "update_programme",
    "update_stage",
    "withdraw_application",
]
