# One image for web, worker and beat.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=scope.settings.prod
RUN useradd --create-home --uid 1000 scope
WORKDIR /app
COPY pyproject.toml constraints.txt ./
RUN pip install --no-cache-dir -c constraints.txt . && rm -rf /root/.cache
COPY --chown=scope:scope . .
RUN SECRET_KEY=build DATABASE_URL=sqlite:////tmp/build.db REDIS_URL=redis://localhost \
    python manage.py collectstatic --noinput -v0 && mkdir -p /data/private && chown scope:scope /data/private
USER scope
EXPOSE 8000
CMD ["gunicorn", "scope.wsgi:application", "-c", "gunicorn.conf.py"]
