"""Notes: the example app written the secure-coding guide's way.

The twin of ../vulnerable_app (same files, same routes) with each mistake
fixed: query parameters, escaping by templates, ownership checks, a slow salted
password hash, a random salt and a sufficient work factor.

    pip install flask flask-login flask-limiter cryptography
    export NOTES_SECRET_KEY=$(python -c 'import secrets; print(secrets.token_hex())')
    flask --app app init-db && flask --app app create-user alice && flask --app app run
"""
import base64
import json
import os

import click
from cryptography.fernet import Fernet
from flask import Flask, abort, flash, redirect, render_template, request, url_for
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user, login_required, login_user
from markupsafe import Markup

from auth import derive_export_key
from models import User, close_db, get_db, init_db

app = Flask(__name__)
app.config["SECRET_KEY"] = os.environ["NOTES_SECRET_KEY"]
app.config["DATABASE"] = os.environ.get("NOTES_DATABASE", "notes.db")
app.teardown_appcontext(close_db)
limiter = Limiter(get_remote_address, app=app)
login_manager = LoginManager(app)
login_manager.login_view = "login"


@login_manager.user_loader
def load_user(user_id):
    return User.get(int(user_id))


@app.template_filter("user_badge")
def user_badge(name):
    """{{ current_user.name | user_badge }} in the page header."""
    # Markup(...).format() escapes its arguments; the markup is a constant.
    return Markup('<span class="badge">{}</span>').format(name)


@app.route("/login", methods=["GET", "POST"])
@limiter.limit("5 per minute", methods=["POST"])
def login():
    if request.method == "POST":
        user = User.find(request.form["name"])
        if user is not None and user.check_password(request.form["password"]):
            login_user(user)
            return redirect(url_for("index"))
        flash("Unknown user name or wrong password.")
    return render_template("login.html")


@app.route("/")
@login_required
def index():
    posts = get_db().execute(
        "SELECT id, title FROM posts WHERE owner_id = ? ORDER BY id DESC", (current_user.id,)
    ).fetchall()
    return render_template("index.html", posts=posts)


@app.route("/posts", methods=["POST"])
@login_required
def create_post():
    db = get_db()
    db.execute(
        "INSERT INTO posts (owner_id, title, body) VALUES (?, ?, ?)",
        (current_user.id, request.form["title"], request.form["body"]),
    )
    db.commit()
    return redirect(url_for("index"))


@app.route("/search")
@login_required
def search():
    q = request.args.get("q", "")
    # Values travel as parameters, never inside the SQL text.
    rows = get_db().execute(
        "SELECT id, title FROM posts WHERE owner_id = ? AND title LIKE ?",
        (current_user.id, f"%{q}%"),
    ).fetchall()
    # The template escapes q and every title (Jinja autoescaping).
    return render_template("search.html", q=q, posts=rows)


@app.route("/posts/<int:post_id>")
@login_required
def show_post(post_id):
    # Scoped to the signed-in user: another user's id finds nothing (404).
    post = get_db().execute(
        "SELECT * FROM posts WHERE id = ? AND owner_id = ?", (post_id, current_user.id)
    ).fetchone()
    if post is None:
        abort(404)
    return render_template("post.html", post=post)


@app.route("/posts/<int:post_id>/delete", methods=["POST"])
@login_required
def delete_post(post_id):
    db = get_db()
    post = db.execute("SELECT owner_id FROM posts WHERE id = ?", (post_id,)).fetchone()
    if post is None:
        abort(404)
    if post["owner_id"] != current_user.id:
        abort(403)
    db.execute("DELETE FROM posts WHERE id = ?", (post_id,))
    db.commit()
    return redirect(url_for("index"))


@app.cli.command("init-db")
def init_db_command():
    init_db()
    click.echo("Initialized the database.")


@app.cli.command("create-user")
@click.argument("name")
@click.password_option()
def create_user_command(name, password):
    User.create(name, password)
    click.echo(f"Created user {name}.")


@app.cli.command("export-notes")
@click.argument("name")
@click.argument("archive", type=click.File("wb"))
@click.password_option("--passphrase")
def export_notes_command(name, archive, passphrase):
    """Write NAME's notes to ARCHIVE, encrypted with a key from PASSPHRASE."""
    user = User.find(name)
    posts = get_db().execute(
        "SELECT title, body FROM posts WHERE owner_id = ?", (user.id,)
    ).fetchall()
    salt, key = derive_export_key(passphrase)
    data = json.dumps([dict(post) for post in posts]).encode()
    # The salt is not secret: store it in front of the ciphertext.
    archive.write(salt + Fernet(base64.urlsafe_b64encode(key)).encrypt(data))
