"""/ledger/: the public log protocol (paths fixed by docs/ledger.md) and the pages to browse and verify it."""

from django.urls import URLPattern, path

from zhizheng.ledger import views

app_name = "ledger"
urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("view/<int:index>", views.entry_page, name="entry_page"),
    path("checkpoint", views.checkpoint, name="checkpoint"),
    path("key", views.key, name="key"),
    # <str:…> so that a non-integer gets a 400 that says so, not an anonymous 404.
    path("entries/<str:index>", views.entry, name="entry"),
    path("proof/inclusion", views.inclusion_proof, name="inclusion_proof"),
    path("proof/consistency", views.consistency_proof, name="consistency_proof"),
    path("receipts/<str:index>", views.receipt, name="receipt"),
    path("cosignatures", views.cosignatures, name="cosignatures"),
]
