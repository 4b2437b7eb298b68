"""Who may read the base registries for which purpose, when personal data may be shown in full, and who registers
births, marriages, deaths, moves and legal persons.

Every read of the population registry names a purpose (``choices.Purpose``). ``Perm.READ`` takes that purpose as
its object: a masked read is allowed when the actor's roles fit the purpose (case handling for case roles, law
enforcement for the police, market regulation and city management, statistics for staff, audits for auditors ...).
``Perm.DISCLOSE`` (the unmasked record) is narrower still. Statistics, sharing and public disclosure never unmask.
"""

from __future__ import annotations

import enum
from typing import Any

from zhizheng.core.actor import Actor, ActorKind
from zhizheng.core.policy import Policy, allow, any_of, deny, has_role, has_scope
from zhizheng.registries.choices import Purpose

CASE_ROLES = frozenset({"caseworker", "section_chief", "department_head", "window_officer"})
"""``orgs`` roles that handle applications and events and may see a person's full record for that purpose."""
AUDITOR_ROLE = "auditor"
ENFORCEMENT_DEPARTMENTS = frozenset({"GAJ", "SCJGJ", "CGJ"})
"""Departments with law-enforcement powers (police, market regulation, city management)."""
POLICE = "GAJ"
CIVIL_AFFAIRS = "MZJ"
MARKET_REGULATION = "SCJGJ"
REGISTRAR_ROLES = frozenset({"caseworker", "section_chief", "department_head"})


class Perm(enum.StrEnum):
    READ = "registries.read"
    DISCLOSE = "registries.personal.disclose"
    VERIFY_IDENTITY = "registries.identity.verify"
    LOAD = "registries.load"
    REGISTER_CIVIL = "registries.civil.register"
    """Births, deaths and household moves: the police (公安局) household registration."""
    REGISTER_MARRIAGE = "registries.marriage.register"
    """Marriages: civil affairs (民政局)."""
    REGISTER_LEGAL_PERSON = "registries.legal_person.register"
    """Establishment, change and cancellation of legal persons: market regulation (市场监管局)."""
    AUDIT_ACCESS = "registries.access.audit"
    """Browse and export the access log and the change history."""
    READ_PUBLIC = "registries.public.read"
    """Spatial units and macro-economic series: open data."""


def _held(actor: Actor) -> set[str]:
    return {role for _department, role in actor.roles}


def _is_staff(actor: Actor) -> bool:
    return actor.kind is ActorKind.USER and bool(actor.roles)


def _enforces(actor: Actor) -> bool:
    return any(d in ENFORCEMENT_DEPARTMENTS and r in CASE_ROLES for d, r in actor.roles)


def _may_read(actor: Actor, purpose: Any) -> bool:
    """A masked read for ``purpose`` (None or an unknown purpose is never allowed)."""
    if purpose not in Purpose.values:
        return False
    if actor.kind is ActorKind.API_CLIENT:
        if purpose == Purpose.DATA_SHARING:
            return actor.has_scope("registries.share")
        return actor.has_scope("registries.read") and purpose in (
            Purpose.SERVICE_HANDLING,
            Purpose.STATISTICS,
            Purpose.IDENTITY_VERIFICATION,
            Purpose.PUBLIC_DISCLOSURE,
        )
    if actor.kind is not ActorKind.USER:
        return False
    held = _held(actor)
    rules = {
        Purpose.SERVICE_HANDLING: bool(held & CASE_ROLES),
        Purpose.IDENTITY_VERIFICATION: "window_officer" in held,
        Purpose.STATISTICS: _is_staff(actor),
        Purpose.AUDIT: AUDITOR_ROLE in held,
        Purpose.LAW_ENFORCEMENT: _enforces(actor),
        Purpose.DATA_SHARING: "data_officer" in held,
        Purpose.PUBLIC_DISCLOSURE: _is_staff(actor),
    }
    return rules.get(Purpose(purpose), False)


def _may_disclose(actor: Actor, purpose: Any) -> bool:
    """Full personal data only for a purpose that needs it: case handling by case roles, law enforcement by the
    enforcement departments, audits by auditors. Statistics, sharing and public disclosure never see it."""
    if actor.kind is not ActorKind.USER:
        return (
            actor.kind is ActorKind.API_CLIENT
            and actor.has_scope("registries.disclose")
            and (purpose == Purpose.SERVICE_HANDLING)
        )
    held = _held(actor)
    if purpose == Purpose.SERVICE_HANDLING:
        return bool(held & CASE_ROLES)
    if purpose == Purpose.LAW_ENFORCEMENT:
        return _enforces(actor)
    if purpose == Purpose.AUDIT:
        return AUDITOR_ROLE in held
    return False


def _is_the_user(actor: Actor, user: Any) -> bool:
    return actor.kind is ActorKind.USER and user is not None and actor.user_id == getattr(user, "pk", None)


def _registrar(department: str) -> Any:
    def rule(actor: Actor, obj: Any) -> bool:
        return actor.kind is ActorKind.USER and any(d == department and r in REGISTRAR_ROLES for d, r in actor.roles)

    rule.__name__ = f"registrar_of_{department}"
    return rule


class RegistriesPolicy(Policy[Perm]):
    """Reads depend on the purpose; disclosure on a purpose that needs it; registrations on the department that
    keeps the record; the access log is for auditors; loading is for the system."""

    permission_enum = Perm
    rules = {
        Perm.READ: _may_read,
        Perm.DISCLOSE: _may_disclose,
        Perm.VERIFY_IDENTITY: any_of(_is_the_user, has_role("window_officer")),
        Perm.LOAD: deny,
        Perm.REGISTER_CIVIL: _registrar(POLICE),
        Perm.REGISTER_MARRIAGE: _registrar(CIVIL_AFFAIRS),
        Perm.REGISTER_LEGAL_PERSON: _registrar(MARKET_REGULATION),
        Perm.AUDIT_ACCESS: any_of(has_role(AUDITOR_ROLE), has_scope("registries.audit")),
        Perm.READ_PUBLIC: allow,
    }


policy = RegistriesPolicy()
