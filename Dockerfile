# The API image for docker-compose.yml. Neo4j runs in its own container.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY pgxkg ./pgxkg
RUN pip install --no-cache-dir .
EXPOSE 8000
CMD ["pgxkg", "up", "--host", "0.0.0.0", "--port", "8000"]
