from cyc.a import helper_a, Base_A
