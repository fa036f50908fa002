-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "webhook_event_kind" AS ENUM ('booking', 'listing');

-- CreateEnum
CREATE TYPE "webhook_event_status" AS ENUM ('received', 'queued', 'processing', 'processed', 'failed');

-- CreateEnum
CREATE TYPE "block_kind" AS ENUM ('booking', 'tentative');

-- CreateTable
CREATE TABLE "webhook_events" (
    "event_id" UUID NOT NULL,
    "kind" "webhook_event_kind" NOT NULL,
    "booking_code" VARCHAR(64),
    "listing_id" INTEGER,
    "event_timestamp" TIMESTAMPTZ(3),
    "payload" JSONB NOT NULL,
    "status" "webhook_event_status" NOT NULL DEFAULT 'received',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processed_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_events_pkey" PRIMARY KEY ("event_id")
);

-- CreateTable
CREATE TABLE "reservations" (
    "booking_code" VARCHAR(64) NOT NULL,
    "listing_id" INTEGER NOT NULL,
    "status" VARCHAR(32) NOT NULL,
    "upstream_status" VARCHAR(64) NOT NULL,
    "check_in" DATE NOT NULL,
    "check_out" DATE NOT NULL,
    "guest_name" TEXT,
    "guest_email" TEXT,
    "number_of_guests" INTEGER,
    "currency_code" VARCHAR(8),
    "total_amount" DECIMAL(14,2),
    "respond_by" TIMESTAMPTZ(3),
    "upstream_version" TIMESTAMPTZ(3) NOT NULL,
    "raw" JSONB NOT NULL,
    "last_event_at" TIMESTAMPTZ(3),
    "synced_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "reservations_pkey" PRIMARY KEY ("booking_code")
);

-- CreateTable
CREATE TABLE "blocked_ranges" (
    "booking_code" VARCHAR(64) NOT NULL,
    "listing_id" INTEGER NOT NULL,
    "kind" "block_kind" NOT NULL,
    "during" daterange NOT NULL,
    "expires_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "blocked_ranges_pkey" PRIMARY KEY ("booking_code")
);

-- CreateTable
CREATE TABLE "booking_conflicts" (
    "id" UUID NOT NULL,
    "listing_id" INTEGER NOT NULL,
    "booking_code" VARCHAR(64) NOT NULL,
    "conflicting_booking_code" VARCHAR(64) NOT NULL,
    "check_in" DATE NOT NULL,
    "check_out" DATE NOT NULL,
    "detected_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolved_at" TIMESTAMPTZ(3),

    CONSTRAINT "booking_conflicts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "listings" (
    "listing_id" INTEGER NOT NULL,
    "name" TEXT,
    "timezone" VARCHAR(64),
    "raw" JSONB NOT NULL,
    "synced_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "listings_pkey" PRIMARY KEY ("listing_id")
);

-- CreateTable
CREATE TABLE "webhook_registration" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "desired" JSONB,
    "remote" JSONB,
    "state" VARCHAR(16) NOT NULL DEFAULT 'pending',
    "last_error" TEXT,
    "synced_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_registration_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "webhook_events_status_received_at_idx" ON "webhook_events"("status", "received_at");

-- CreateIndex
CREATE INDEX "webhook_events_booking_code_received_at_idx" ON "webhook_events"("booking_code", "received_at");

-- CreateIndex
CREATE INDEX "reservations_listing_id_check_in_idx" ON "reservations"("listing_id", "check_in");

-- CreateIndex
CREATE INDEX "reservations_status_check_out_idx" ON "reservations"("status", "check_out");

-- CreateIndex
CREATE INDEX "reservations_status_respond_by_idx" ON "reservations"("status", "respond_by");

-- CreateIndex
CREATE INDEX "reservations_check_in_booking_code_idx" ON "reservations"("check_in", "booking_code");

-- CreateIndex
CREATE INDEX "reservations_updated_at_booking_code_idx" ON "reservations"("updated_at", "booking_code");

-- CreateIndex
CREATE INDEX "blocked_ranges_kind_expires_at_idx" ON "blocked_ranges"("kind", "expires_at");

-- CreateIndex
CREATE INDEX "booking_conflicts_detected_at_idx" ON "booking_conflicts"("detected_at");

-- CreateIndex
CREATE UNIQUE INDEX "booking_conflicts_booking_code_conflicting_booking_code_key" ON "booking_conflicts"("booking_code", "conflicting_booking_code");


-- Hand-written: what the schema language cannot say.
CREATE EXTENSION IF NOT EXISTS btree_gist;

ALTER TABLE "reservations" ADD CONSTRAINT "reservations_dates_check" CHECK ("check_out" > "check_in");

ALTER TABLE "blocked_ranges" ADD CONSTRAINT "blocked_ranges_during_bounded"
    CHECK (NOT isempty("during") AND NOT lower_inf("during") AND NOT upper_inf("during"));

-- Two booking blocks of one listing can never overlap, and half-open ranges let back-to-back stays touch.
-- Tentative holds (requests) are left out, since a request never stops a confirmation.
ALTER TABLE "blocked_ranges" ADD CONSTRAINT "blocked_ranges_no_overlapping_bookings"
    EXCLUDE USING gist ("listing_id" WITH =, "during" WITH &&) WHERE ("kind" = 'booking');

CREATE INDEX "blocked_ranges_listing_id_during_idx" ON "blocked_ranges" USING gist ("listing_id", "during");
