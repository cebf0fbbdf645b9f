from fastapi import FastAPI

app = FastAPI(title="immune-core")
