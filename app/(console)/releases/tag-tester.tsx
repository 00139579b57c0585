"use client";

import { useState } from "react";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { tagPatternProblem } from "@/lib/releases/channel.schema";
import { sortKey, type TagOrdering } from "@/lib/releases/tag-ordering";

/** Try a tag against the pattern and the ordering before saving: does it count as a release? */
export function TagTester({ pattern, ordering }: { pattern: string; ordering: TagOrdering }) {
  const [tag, setTag] = useState("");
  return (
    <Field
      id="channel-try-tag"
      label="Try a tag"
      optional
      hint={
        tag
          ? verdict(tag, pattern, ordering)
          : "Type a tag the vendor publishes to see whether this channel would take it."
      }
    >
      {(control) => (
        <Input
          {...control}
          mono
          value={tag}
          placeholder="release-250301"
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => setTag(e.target.value.trim())}
        />
      )}
    </Field>
  );
}

function verdict(tag: string, pattern: string, ordering: TagOrdering): string {
  if (tagPatternProblem(pattern)) return "Fix the tag pattern first.";
  if (!new RegExp(pattern).test(tag)) return `${tag} does not match the pattern: not a release.`;
  if (ordering === "pushed") return `${tag} matches; it is ordered by its image's build time.`;
  const key = sortKey(tag, ordering);
  return key.ok ? `${tag} matches and can be ordered: a release.` : `${tag} matches, but is left out: ${key.reason}.`;
}
