"""The user types the apps pass around."""

from django.contrib.auth.models import AnonymousUser, User

#: Whoever made a request: a signed-in user or the anonymous one (views, API, services that
#: record an author).
AnyUser = User | AnonymousUser
