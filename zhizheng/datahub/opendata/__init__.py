"""The open-data face of the data hub (issue 7, parts 5-7): the public portal at ``/data/``, the CKAN Action API
at ``/api/3/action/`` and ``/api/action/``, and the DCAT-AP 3 catalogue. Everything here shows only resources that
are published and open (开放属性 = 开放); see docs/datahub.md for the CKAN and DCAT mappings."""
