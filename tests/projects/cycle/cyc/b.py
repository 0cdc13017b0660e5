from cyc.a import helper_a, Base_A


def helper_b(f):
    return helper_a(f)


class Base_B(Base_A):
    pass
