from flask import Flask, render_template


def register(app: Flask) -> None:
    for code, title in ((403, "You do not have access to this page"), (404, "Page not found"),
                        (413, "The file is too large"), (500, "Sorry, there is a problem with the service")):
        app.register_error_handler(code, _handler(code, title))


def _handler(code: int, title: str):
    def handle(error):
        return render_template("errors/error.html", code=code, title=title), code

    return handle
