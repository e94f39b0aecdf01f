"""factory_boy factories. The territory and its structures come from migrations, not factories."""

from __future__ import annotations

import factory

from baladiya.organisation.models import User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.dz")
    password = factory.django.Password("correct horse battery staple")
