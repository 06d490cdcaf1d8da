import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cdmweb.settings")
application = get_wsgi_application()

# Everything loaded so far (Django, the app, the catalogue) lives as long as the process: moving
# it out of the collector's sight keeps full collections short during requests.
gc.freeze()
