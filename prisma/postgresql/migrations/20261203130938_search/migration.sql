-- AlterTable
ALTER TABLE "ChatSession" ADD COLUMN     "titleFolded" TEXT NOT NULL DEFAULT '';

-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "textFolded" TEXT NOT NULL DEFAULT '';

-- Chats stored before search: their titles and text parts, folded as search folds them
-- (lower case, with the percent sign, underscore and backslash moved to private-use characters:
-- see lib/db/owned.ts). No semicolons in comments: the schema engine splits the script at them.
UPDATE "ChatSession" SET "titleFolded" = replace(replace(replace(lower("title"), chr(37), chr(57344)), chr(95), chr(57345)), chr(92), chr(57346));
UPDATE "Message" SET "textFolded" = coalesce((SELECT replace(replace(replace(lower(string_agg(part->>'text', chr(10))), chr(37), chr(57344)), chr(95), chr(57345)), chr(92), chr(57346)) FROM jsonb_array_elements("parts") AS part WHERE part->>'type' = 'text'), '');
