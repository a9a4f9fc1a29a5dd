-- Items of files sources without base_url were identified by their file://
-- URL, which published the server's absolute path in every feed. Their id
-- is now the file name, namespaced by the source (see sources/files):
-- urn:tributary:files:SOURCE:NAME, NAME escaped as in the old URL.
UPDATE items SET id = 'urn:tributary:files:' || source || ':' || regexp_replace(id, '^.*/', '')
WHERE id LIKE 'file://%';
UPDATE archive_pages SET id = 'urn:tributary:files:' || source || ':' || regexp_replace(id, '^.*/', '')
WHERE id LIKE 'file://%';
