-- The bot's own PostgreSQL role, which it signs in to with its managed identity's Microsoft Entra
-- token: a plain role, not an administrator. Run once, as a Microsoft Entra administrator of the
-- server, in the database postgres (the only one with the pgaadauth functions), with the psql
-- variables bot_role and principal_id (docs/deploy-azure.md, step 4). The role is tied to the
-- identity's object id, not its display name, so no other principal of that name can take it.
SELECT * FROM pgaadauth_create_principal_with_oid(:'bot_role', :'principal_id', 'service', false, false);
