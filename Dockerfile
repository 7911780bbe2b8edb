# Image for both the api and worker services of compose.yaml (the command picks the role).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY . .
RUN pip install . \
    && useradd --create-home --uid 10001 tidings

# Not root: the embedded PostgreSQL (no DATABASE_URL) refuses to run as root anyway;
# a writable home holds its data folder in that mode.
USER tidings
WORKDIR /home/tidings
EXPOSE 4000
CMD ["tidings", "serve", "--host", "0.0.0.0", "--port", "4000"]
