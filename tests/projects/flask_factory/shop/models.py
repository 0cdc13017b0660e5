from werkzeug.security import generate_password_hash
class Base: pass
class User(Base):
    @property
    def password(self): return self._pw
    @password.setter
    def password(self, v):
        self._pw = generate_password_hash(v)
class Note(Base): pass
