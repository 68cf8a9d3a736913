-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_ChatSession" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "titleFolded" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "activeTurnId" TEXT,
    "activeTurnSince" DATETIME,
    CONSTRAINT "ChatSession_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_ChatSession" ("activeTurnId", "activeTurnSince", "createdAt", "id", "title", "updatedAt", "userId") SELECT "activeTurnId", "activeTurnSince", "createdAt", "id", "title", "updatedAt", "userId" FROM "ChatSession";
DROP TABLE "ChatSession";
ALTER TABLE "new_ChatSession" RENAME TO "ChatSession";
CREATE INDEX "ChatSession_userId_updatedAt_idx" ON "ChatSession"("userId", "updatedAt");
CREATE TABLE "new_Message" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "sessionId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "role" TEXT NOT NULL,
    "parts" JSONB NOT NULL,
    "textFolded" TEXT NOT NULL DEFAULT '',
    "model" TEXT,
    "usage" JSONB,
    "status" TEXT NOT NULL,
    "errorKind" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Message_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "ChatSession" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Message" ("createdAt", "errorKind", "id", "model", "parts", "position", "role", "sessionId", "status", "usage") SELECT "createdAt", "errorKind", "id", "model", "parts", "position", "role", "sessionId", "status", "usage" FROM "Message";
DROP TABLE "Message";
ALTER TABLE "new_Message" RENAME TO "Message";
CREATE UNIQUE INDEX "Message_sessionId_position_key" ON "Message"("sessionId", "position");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- Chats stored before search: their titles and text parts, folded as search folds them
-- (lower case, with the percent sign, underscore and backslash moved to private-use characters:
-- see lib/db/owned.ts). No semicolons in comments: the schema engine splits the script at them.
UPDATE "ChatSession" SET "titleFolded" = replace(replace(replace(lower("title"), char(37), char(57344)), char(95), char(57345)), char(92), char(57346));
UPDATE "Message" SET "textFolded" = coalesce((SELECT replace(replace(replace(lower(group_concat(json_extract(value, '$.text'), char(10))), char(37), char(57344)), char(95), char(57345)), char(92), char(57346)) FROM json_each("Message"."parts") WHERE json_extract(value, '$.type') = 'text'), '');
