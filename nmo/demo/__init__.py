"""Demo data for `make run`: one account per role and the organisations of the seed
regulations (`manage.py load_demo`). On the top floor: it uses every app's services."""
