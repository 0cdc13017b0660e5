from flask import Flask
from flask_limiter import Limiter
from .extensions import csrf

def create_app():
    app = Flask(__name__)
    limiter = Limiter(app, default_limits=["100/hour"])
    csrf.init_app(app)
    return app
