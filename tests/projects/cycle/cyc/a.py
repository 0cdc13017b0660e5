from cyc.b import helper_b, Base_B


def helper_a(f):
    return helper_b(f)


class Base_A(Base_B):
    pass
