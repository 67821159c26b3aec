/** Glance (image v2): find an image by id or name. */
import { z } from "zod";
import { CloudError, NotFoundError } from "../manager/errors.js";
import { nextQuery, notFound } from "./_not-found.js";
import { parseBody } from "./_parse.js";
import type { KeystoneSession } from "./keystone.js";
import type { Image } from "./types.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const imageSchema = z.object({
  id: z.string(),
  name: z.string().nullish(), // Glance allows unnamed images
  status: z.string(),
  created_at: z.string().optional(),
});

/** Glance calls of one client. */
export class Glance {
  constructor(private readonly session: KeystoneSession) {}

  /**
   * An image by id, else the newest `active` image with that exact name (names are not unique,
   * reference A.3). `NotFoundError` lists the active images' names.
   */
  async findImage(ref: string): Promise<Image> {
    if (UUID.test(ref)) {
      try {
        const response = await this.get(`/v2/images/${encodeURIComponent(ref)}`);
        return toImage(parseBody(imageSchema, response.body, "Glance GET /v2/images/{id}"));
      } catch (error) {
        if (!(error instanceof CloudError && error.status === 404)) throw error;
      }
    }
    const named = await this.listImages({ name: ref });
    const active = named.filter((i) => i.status === "active");
    active.sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0));
    if (active[0]) return active[0];
    if (named.length > 0) {
      const statuses = [...new Set(named.map((i) => i.status))].join(", ");
      throw new NotFoundError("image", ref, `image '${ref}' exists but is not active (status: ${statuses}); wait for its upload or pick another image`);
    }
    const available = await this.listImages({ status: "active" });
    throw notFound("image", ref, this.session.cloud, available.map((i) => i.name));
  }

  /** Images matching Glance's exact-match filters (`name`, `status`, …), all pages. */
  async listImages(filters: Record<string, string>): Promise<Image[]> {
    const images: Image[] = [];
    let query: Record<string, string | number> | undefined = { ...filters, limit: 1000 };
    while (query) {
      const response = await this.get("/v2/images", query);
      const page = parseBody(z.object({ images: z.array(imageSchema), next: z.string().optional() }), response.body, "Glance GET /v2/images");
      images.push(...page.images.map(toImage));
      const next = page.images.length > 0 ? nextQuery(page.next) : undefined;
      query = next && { ...filters, ...next };
    }
    return images;
  }

  // --- internal ---

  private async get(path: string, query?: Record<string, string | number>) {
    // Catalogs list Glance's root, but some append /v2: the paths below carry the version.
    const baseUrl = (await this.session.endpoint("image")).replace(/\/v2(\.\d+)?\/?$/, "");
    return this.session.send({ service: "Glance", method: "GET", baseUrl, path, query });
  }
}

// --- internal ---

function toImage(raw: z.output<typeof imageSchema>): Image {
  const image: Image = { id: raw.id, name: raw.name ?? "", status: raw.status };
  if (raw.created_at) image.createdAt = new Date(raw.created_at);
  return image;
}
