"""Organisation: structures (the administrative tree), people and their roles.

The tree: ministry → wilaya → daïra → commune (APC) → the commune's services (état civil,
urbanisme, …), plus bodies of other sectors (water, electricity, health…) attached under the
territorial structure they serve. Every structure stores its materialised ``path`` so that
"everything below this structure" is one indexed prefix query, whatever the depth.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils.translation import gettext_lazy as _

from baladiya.core.i18n import MultilingualName
from baladiya.territory.models import Commune, Daira, Wilaya


class User(AbstractUser):
    """A person: a citizen, an agent, or both. Agents are those holding a membership."""

    phone = models.CharField(
        _("mobile phone"), max_length=16, blank=True, help_text=_("E.164, e.g. +213661234567")
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=[("ar", "العربية"), ("fr", "Français"), ("en", "English"), ("kab", "Taqbaylit")],
        default="ar",
    )
    accepts_sms = models.BooleanField(
        _("messages by SMS"), default=True, help_text=_("Case news by SMS to the mobile phone.")
    )
    accepts_email = models.BooleanField(
        _("messages by email"), default=True, help_text=_("Case news by email.")
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                fields=["phone"], condition=~models.Q(phone=""), name="user_phone_unique"
            )
        ]

    @property
    def display_name(self) -> str:
        return self.name_of(self.first_name, self.last_name, self.username)

    @staticmethod
    def name_of(first_name: str, last_name: str, username: str) -> str:
        """How a person is shown: their full name, else their username (also for rows read as
        plain values, without a User)."""
        return f"{first_name} {last_name}".strip() or username


class StructureKind(models.TextChoices):
    MINISTRY = "ministry", _("Ministry")
    WILAYA = "wilaya", _("Wilaya")
    DAIRA = "daira", _("Daïra")
    COMMUNE = "commune", _("Commune (APC)")
    SERVICE = "service", _("Service")
    SECTOR_BODY = "sector_body", _("Body of another sector")


class Sector(models.TextChoices):
    """The sector a structure belongs to. Local government is the ministry's own."""

    LOCAL_GOVERNMENT = "local_government", _("Local government")
    WATER = "water", _("Water")
    ELECTRICITY_GAS = "electricity_gas", _("Electricity and gas")
    HEALTH = "health", _("Health")
    HOUSING = "housing", _("Housing")
    EDUCATION = "education", _("Education")
    PUBLIC_WORKS = "public_works", _("Public works")
    ENVIRONMENT = "environment", _("Environment")


class ServiceType(models.TextChoices):
    """What a commune or daïra service does; procedures name the type that handles them."""

    CIVIL_STATUS = "civil_status", _("Civil status (état civil)")
    URBAN_PLANNING = "urban_planning", _("Urban planning (urbanisme)")
    TECHNICAL = "technical", _("Technical services")
    SOCIAL_AFFAIRS = "social_affairs", _("Social affairs")
    RECEPTION = "reception", _("Citizen reception (guichet citoyen)")
    REGULATION = "regulation", _("General regulation (réglementation)")
    ID_DOCUMENTS = "id_documents", _("Identity documents")
    OTHER = "other", _("Other")


class Structure(MultilingualName):
    """A node of the administrative tree that receives and handles work."""

    kind = models.CharField(_("kind"), max_length=16, choices=StructureKind.choices)
    sector = models.CharField(
        _("sector"), max_length=24, choices=Sector.choices, default=Sector.LOCAL_GOVERNMENT
    )
    service_type = models.CharField(
        _("service type"), max_length=24, choices=ServiceType.choices, blank=True
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    code = models.CharField(
        _("code"),
        max_length=40,
        help_text=_("Unique among its siblings; part of the path (e.g. w03, c0301, etat-civil)."),
    )
    path = models.CharField(max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    wilaya = models.ForeignKey(Wilaya, on_delete=models.PROTECT, null=True, blank=True)
    daira = models.ForeignKey(Daira, on_delete=models.PROTECT, null=True, blank=True)
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("structure")
        verbose_name_plural = _("structures")
        constraints = [
            models.UniqueConstraint(fields=["parent", "code"], name="structure_code_per_parent"),
            models.UniqueConstraint(
                fields=["kind", "commune"],
                condition=models.Q(kind="commune"),
                name="one_apc_per_commune",
            ),
        ]
        indexes = [models.Index(fields=["kind", "service_type"])]

    def save(self, *args, **kwargs) -> None:
        self.path = self.compute_path()
        self.depth = self.path.count("/") - 2
        super().save(*args, **kwargs)

    def compute_path(self) -> str:
        prefix = self.parent.path if self.parent_id and self.parent else "/"
        return f"{prefix}{self.code}/"

    def is_within(self, other: Structure) -> bool:
        """True when this structure is ``other`` or lies below it."""
        return self.path.startswith(other.path)


class Role(models.TextChoices):
    """What an agent may do in a structure. Order matters: later roles include earlier ones."""

    AGENT = "agent", _("Agent")
    HEAD_OF_SERVICE = "head_of_service", _("Head of service")
    SUPERVISOR = "supervisor", _("Supervisor")
    ADMINISTRATOR = "administrator", _("Administrator")


class Membership(models.Model):
    """An agent's role in a structure. One person may hold several."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "structure", "role"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.structure}"


class ApiToken(models.Model):
    """A token for another structure's system calling the API as one of its agents.

    Only a hash is stored; the token is shown once, when created (``manage.py create_api_token``).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=8, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked = models.BooleanField(_("revoked"), default=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class Session(AbstractBaseSession):
    """A visitor's server-side session, with the user signed in to it (``None`` for nobody).

    Django's session row plus ``user``, so that a signed-in page reads its session, its user
    and their grants in one statement (``organisation.sessions``). The column only speeds the
    read up: who is signed in is still what the session's signed data says.
    """

    # No database constraint: a session may still name a user deleted since (its data says
    # so until it is flushed), and saving it must not fail; the ORM still deletes a deleted
    # user's sessions, and an id nobody has joins to no user (the user is then read as usual).
    user = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=True,
        db_constraint=False,
    )

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        db_table = "organisation_session"

    @classmethod
    def get_session_store_class(cls) -> type:
        from baladiya.organisation.sessions import SessionStore

        return SessionStore
