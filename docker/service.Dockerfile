# Every HDMS service's image: slim, non-root, dependencies pinned by requirements/base.txt.
# The build arguments name the service (docker-compose.yml passes them; hdms_run/services.py is
# the registry they come from, and tests/test_compose.py checks that the two agree):
#   SERVICE  its folder (auth-service), PACKAGE  its Python package (auth_service),
#   PORTS    the ports gunicorn binds, the first of them serving /healthz ("8003 8004").
FROM python:3.11-slim
ARG SERVICE
ARG PACKAGE
ARG PORTS
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    HDMS_APP=${PACKAGE}:create_app HDMS_PACKAGE=${PACKAGE} HDMS_PORTS=${PORTS}
RUN test -n "$SERVICE" && test -n "$PACKAGE" && test -n "$PORTS" \
    && apt-get update \
    && apt-get install -y --no-install-recommends libmagic1 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 hdms
WORKDIR /app
COPY requirements/base.txt requirements/base.txt
RUN pip install -r requirements/base.txt
COPY hdms_common hdms_common
COPY ${SERVICE} ${SERVICE}
RUN pip install --no-deps ./hdms_common ./${SERVICE}
COPY docker/service-entrypoint.sh /usr/local/bin/hdms-entrypoint
RUN chmod 0755 /usr/local/bin/hdms-entrypoint && mkdir -p /var/lib/hdms/files && chown hdms /var/lib/hdms/files
USER hdms
EXPOSE ${PORTS}
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=5 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ['HDMS_PORTS'].split()[0], timeout=2)"
ENTRYPOINT ["hdms-entrypoint"]
# No command: the entrypoint runs gunicorn on HDMS_PORTS (workers and consumers pass their own).
