INSTALLED_APPS = ["django.contrib.auth"]
ROOT_URLCONF = "site.urls"
