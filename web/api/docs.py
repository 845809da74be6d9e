"""The OpenAPI document and a readable page made from it, served without any CDN."""

from flask import Blueprint, jsonify, render_template

from web.api.spec import openapi_document

bp = Blueprint("api_docs", __name__, template_folder="templates")


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(openapi_document())


@bp.get("/docs")
def docs_page():
    document = openapi_document()
    return render_template(
        "api/docs.html",
        document=document,
        schemas=document["components"]["schemas"],
    )
