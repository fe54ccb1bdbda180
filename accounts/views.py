from django.http import HttpResponse


def profile(request, pk):
    return HttpResponse("")


def affiliations(request):
    return HttpResponse("")


def focal_point(request):
    return HttpResponse("")


def accept_invitation(request, token):
    return HttpResponse("")
