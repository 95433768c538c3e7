from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from nmo.catalog.selectors import list_specialties


def specialty_list(request: HttpRequest) -> HttpResponse:
    return render(request, "catalog/specialty_list.html", {"specialties": list_specialties()})
