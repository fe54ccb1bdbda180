from django import template

from notifications.selectors import follow_state

register = template.Library()


@register.inclusion_tag("notifications/_follow.html", takes_context=True)
def follow_buttons(context, space=None, thread=None):
    """Follow / mute buttons for a space or a thread (POST forms; work without JavaScript)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "show": user is not None and user.is_authenticated,
        "state": follow_state(user, space=space, thread=thread),
        "space": space,
        "thread": thread,
        "csrf_token": context.get("csrf_token"),
        "next": request.get_full_path() if request else "",
    }


@register.inclusion_tag("notifications/_failing.html")
def email_failing_notice(person):
    """On the person's own profile: their address bounces, so email to it is skipped."""
    from notifications.services import is_failing

    return {"failing": is_failing(person.email), "person": person}
