-- Items of files sources without base_url were identified by their file://
-- URL, which published the server's absolute path in every feed. Their id
-- is now the file name, namespaced by the source (see sources/files):
-- urn:tributary:files:SOURCE:NAME, NAME escaped as in the old URL.
-- rtrim(id, <every character but '/'>) is the id up to its last '/'.
UPDATE items SET id = 'urn:tributary:files:' || source || ':' || replace(id, rtrim(id, replace(id, '/', '')), '')
WHERE id LIKE 'file://%';
UPDATE archive_pages SET id = 'urn:tributary:files:' || source || ':' || replace(id, rtrim(id, replace(id, '/', '')), '')
WHERE id LIKE 'file://%';
