"""Sign-up of citizens and business agents: success, and every way it can be refused without leaving anything."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from zhizheng.accounts import services
from zhizheng.accounts.models import User
from zhizheng.accounts.tests import factories

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "Qingshan-River-88"


def _citizen_form(**overrides: str) -> dict[str, str]:
    form = {
        "real_name": "王芳",
        "id_number": factories.id_number(born=__import__("datetime").date(1988, 3, 9)),
        "phone": "13912345678",
        "username": "",
        "password1": GOOD_PASSWORD,
        "password2": GOOD_PASSWORD,
    }
    form.update(overrides)
    return form


def _with_wrong_check_character(number: str) -> str:
    wrong = "0" if number[-1] != "0" else "1"
    return number[:17] + wrong


def test_citizen_signs_up_logs_in_and_gets_level_l1(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ZHIZHENG_IDENTITY_VERIFIER = ""  # no registry in this app's tests; see registries tests for L2
    form = _citizen_form()

    response = client.post(reverse("accounts:signup_citizen"), form)

    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    user = User.objects.get(username="13912345678")
    assert (user.kind, user.real_name, user.id_number, user.phone) == (
        "citizen",
        "王芳",
        form["id_number"],
        "13912345678",
    )
    assert user.real_name_level == User.RealNameLevel.L1
    assert user.check_password(GOOD_PASSWORD)
    assert client.session["_auth_user_id"] == str(user.pk)


def test_chosen_user_name_and_lower_case_x_are_accepted(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ZHIZHENG_IDENTITY_VERIFIER = ""
    number = next(n for n in (factories.id_number() for _ in range(30)) if n.endswith("X"))

    response = client.post(
        reverse("accounts:signup_citizen"), _citizen_form(id_number=number.lower(), username="wangfang")
    )

    assert response.status_code == 302
    assert User.objects.get(username="wangfang").id_number == number


@pytest.mark.parametrize(
    ("mangle", "zh", "en"),
    [
        (_with_wrong_check_character, "ISO 7064 MOD 11-2", "check character computed from the first 17 digits"),
        (lambda n: n[:17], "18", "A citizen identity number has 18 characters; this one has 17."),
        (lambda n: "123456" + n[6:], "GB/T 2260", "are not an administrative division code (GB/T 2260)"),
        (lambda n: n[:6] + "19901301" + n[14:], "19901301", "are not a real date of birth"),
    ],
    ids=["check-character", "length", "address-code", "birth-date"],
)
def test_invalid_id_number_is_refused_with_the_rule_in_chinese_and_english(
    client: Client, mangle, zh: str, en: str
) -> None:  # type: ignore[no-untyped-def]
    form = _citizen_form()
    form["id_number"] = mangle(form["id_number"])

    response = client.post(reverse("accounts:signup_citizen"), form)

    assert response.status_code == 400
    errors = response.context["form"].errors["id_number"]
    assert len(errors) == 1
    chinese, english = errors[0].split("\n")
    assert zh in chinese
    assert en in english
    assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese)
    assert User.objects.count() == 0
    assert "_auth_user_id" not in client.session


def test_english_interface_shows_english_first(client: Client) -> None:
    form = _citizen_form()
    form["id_number"] = _with_wrong_check_character(form["id_number"])

    response = client.post(reverse("accounts:signup_citizen"), form, headers={"accept-language": "en"})

    first, second = response.context["form"].errors["id_number"][0].split("\n")
    assert first.startswith("The last character does not match the check character")
    assert "校验码" in second or "校验" in second


def test_duplicate_id_number_is_refused_and_nothing_is_created(client: Client) -> None:
    existing = factories.citizen(username="first")
    before = User.objects.count()

    response = client.post(reverse("accounts:signup_citizen"), _citizen_form(id_number=existing.id_number))

    assert response.status_code == 400
    chinese, english = response.context["form"].errors["id_number"][0].split("\n")
    assert english == "An account with this citizen identity number already exists."
    assert "已" in chinese
    assert User.objects.count() == before


def test_malformed_uscc_is_refused_with_the_rule_and_nothing_is_created(client: Client) -> None:
    good = factories.uscc()
    bad = good[:17] + ("1" if good[-1] != "1" else "2")
    form = _citizen_form(uscc=bad, enterprise_name="示范市青山科技有限公司")

    response = client.post(reverse("accounts:signup_agent"), form)

    assert response.status_code == 400
    chinese, english = response.context["form"].errors["uscc"][0].split("\n")
    assert "GB 32100 MOD 31" in english
    assert "GB 32100" in chinese
    assert User.objects.count() == 0


def test_uscc_with_forbidden_letter_names_the_position(client: Client) -> None:
    form = _citizen_form(uscc="91990102MA0000O01X", enterprise_name="示范市青山科技有限公司")

    response = client.post(reverse("accounts:signup_agent"), form)

    english = response.context["form"].errors["uscc"][0].split("\n")[1]
    assert english.startswith("Character 15 (O) is not allowed")
    assert User.objects.count() == 0


def test_agent_signs_up_with_a_valid_uscc(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ZHIZHENG_IDENTITY_VERIFIER = ""
    code = factories.uscc()

    response = client.post(
        reverse("accounts:signup_agent"),
        _citizen_form(uscc=code.lower(), enterprise_name="示范市青山科技有限公司", username="qingshan"),
    )

    assert response.status_code == 302
    agent = User.objects.get(username="qingshan")
    assert (agent.kind, agent.uscc, agent.enterprise_name) == ("agent", code, "示范市青山科技有限公司")


def test_every_bad_field_is_reported_at_once_and_nothing_is_created(client: Client) -> None:
    response = client.post(
        reverse("accounts:signup_citizen"),
        _citizen_form(real_name="王", phone="12345", id_number="110", password1="12345678", password2="12345678"),
    )

    errors = response.context["form"].errors
    assert set(errors) == {"real_name", "id_number", "phone", "password1"}
    assert User.objects.count() == 0


def test_weak_password_reasons_are_bilingual(client: Client) -> None:
    response = client.post(
        reverse("accounts:signup_citizen"), _citizen_form(password1="password", password2="password")
    )

    messages = response.context["form"].errors["password1"]
    assert any("This password is too common." in m for m in messages)
    assert any("这个密码太常见了" in m for m in messages)


def test_mismatched_passwords_are_refused(client: Client) -> None:
    response = client.post(reverse("accounts:signup_citizen"), _citizen_form(password2="Other-River-99"))

    assert "The two passwords differ." in response.context["form"].errors["password2"][0]
    assert User.objects.count() == 0


def test_taken_user_name_is_refused(client: Client) -> None:
    factories.citizen(username="wangfang")

    response = client.post(reverse("accounts:signup_citizen"), _citizen_form(username="WangFang"))

    assert "This user name is taken. Choose another one." in response.context["form"].errors["username"][0]
    assert User.objects.count() == 1


def test_service_reports_the_validator_code_for_the_api() -> None:
    data = services.SignUp(
        real_name="王芳",
        id_number=_with_wrong_check_character(factories.id_number()),
        phone="13912345678",
        password=GOOD_PASSWORD,
    )

    with pytest.raises(services.SignUpInvalid) as caught:
        services.citizen_register(data=data)

    problem = caught.value.as_problem()
    assert problem["status"] == 422
    assert problem["code"] == "accounts.sign_up_invalid"
    assert list(problem["errors_en"]) == ["id_number"]
    assert "ISO 7064 MOD 11-2" in problem["errors_en"]["id_number"][0]
    assert User.objects.count() == 0


def test_duplicate_id_number_alone_raises_its_own_code() -> None:
    existing = factories.citizen()
    data = services.SignUp(real_name="王芳", id_number=existing.id_number, phone="13912345678", password=GOOD_PASSWORD)

    with pytest.raises(services.IdNumberTaken) as caught:
        services.citizen_register(data=data)

    assert caught.value.as_problem()["code"] == "accounts.id_number_taken"


def test_signed_in_people_are_sent_home_from_sign_up(client: Client) -> None:
    client.force_login(factories.citizen())

    assert client.get(reverse("accounts:signup_citizen"))["Location"] == reverse("web:home")


def test_sign_up_choice_page_links_both_forms(client: Client) -> None:
    page = client.get(reverse("accounts:signup")).content.decode()

    assert reverse("accounts:signup_citizen") in page
    assert reverse("accounts:signup_agent") in page


def test_phone_already_used_as_a_user_name_asks_for_a_user_name(client: Client) -> None:
    factories.citizen(username="13912345678")

    response = client.post(reverse("accounts:signup_citizen"), _citizen_form())

    english = response.context["form"].errors["phone"][0].split("\n")[1]
    assert english == "An account already logs in with this mobile number. Choose a user name, or log in."
    assert User.objects.count() == 1
