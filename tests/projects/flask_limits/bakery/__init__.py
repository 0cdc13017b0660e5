from flask import Flask

from .extensions import csrf, limiter
from .views.auth import bp


def create_app():
    app = Flask(__name__)
    limiter.init_app(app)
    csrf.init_app(app)
    app.register_blueprint(bp)
    return app
