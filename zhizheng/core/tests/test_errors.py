from django.utils import translation

from zhizheng.core.errors import NotFound, ValidationFailed


def test_problem_has_stable_code_and_both_languages():
    with translation.override("zh-hans"):
        body = NotFound().as_problem(instance="/x")
    assert body["code"] == "core.not_found"
    assert body["status"] == 404
    assert body["detail_en"] == "The requested object does not exist."
    assert body["instance"] == "/x"


def test_field_errors_are_listed_per_field():
    err = ValidationFailed(field_errors={"id_number": ["Wrong check character."]})
    body = err.as_problem()
    assert body["errors_en"] == {"id_number": ["Wrong check character."]}
    assert err.status == 422


def test_translated_parameters_follow_the_language_of_each_rendering():
    from django.utils.translation import gettext_lazy

    from zhizheng.core.errors import Conflict

    err = Conflict("Reason: %(reason)s", params={"reason": gettext_lazy("Not found")})
    with translation.override("zh-hans"):
        detail, detail_en = err.detail, err.detail_en

    assert detail_en == "Reason: Not found"
    assert detail != detail_en  # the Chinese rendering carries the Chinese reason
