-- Shared sidebar filter predicate, expanded by perfeval.app.dbread wherever a query writes
-- {filters(x)} (x = the alias of a table that has region, unit, year, scope, source_kind).
-- Parameters: $regions VARCHAR[] | NULL, $units VARCHAR[] | NULL, $year_from INTEGER | NULL,
-- $year_to INTEGER | NULL, $scope VARCHAR | NULL, $kinds VARCHAR[] | NULL (NULL = no filter), and
-- the signed-in account's scope $allowed_regions, $allowed_units VARCHAR[] | NULL (perfeval.app.auth;
-- NULL = everything), which no page can leave out: perfeval.app.dbread sets them on every query.
-- Rollup tables store a missing year as 0 and missing names as '': no bound or list admits them,
-- just as a NULL never passes a comparison on the detail tables.
($regions IS NULL OR list_contains($regions, x.region))
AND ($units IS NULL OR list_contains($units, x.unit))
AND ($year_from IS NULL OR x.year >= $year_from)
AND ($year_to IS NULL OR x.year BETWEEN 1 AND $year_to)
AND ($scope IS NULL OR x.scope = $scope)
AND ($kinds IS NULL OR list_contains($kinds, x.source_kind))
AND ($allowed_regions IS NULL OR list_contains($allowed_regions, x.region))
AND ($allowed_units IS NULL OR list_contains($allowed_units, x.unit))
