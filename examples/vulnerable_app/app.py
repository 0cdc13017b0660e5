"""Notes: a small Flask app that makes the secure-coding guide's mistakes.

Each line a checker must report ends with ``# expect: SCGnnn``; the same app
written the guide's way is in ../fixed_app (same files, same routes).

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
    return Markup(f'<span class="badge">{name}</span>')  # expect: SCG202


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
    db = get_db()
    rows = db.execute(f"SELECT id, title FROM posts WHERE owner_id = {current_user.id} AND title LIKE '%{q}%'").fetchall()  # expect: SCG101
    links = "".join(f'<li><a href="/posts/{row["id"]}">{row["title"]}</a></li>' for row in rows)
    return f"<h1>Results for {q}</h1><ul>{links}</ul>"  # expect: SCG201


@app.route("/posts/<int:post_id>")
@login_required
def show_post(post_id):
    post = get_db().execute("SELECT * FROM posts WHERE id = ?", (post_id,)).fetchone()  # expect: SCG401
    if post is None:
        abort(404)
    return render_template("post.html", post=post)


@app.route("/posts/<int:post_id>/delete", methods=["POST"])
@login_required
def delete_post(post_id):
    db = get_db()
    db.execute("DELETE FROM posts WHERE id = ?", (post_id,))  # expect: SCG401
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
    key = derive_export_key(passphrase)
    data = json.dumps([dict(post) for post in posts]).encode()
    archive.write(Fernet(base64.urlsafe_b64encode(key)).encrypt(data))
