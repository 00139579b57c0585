import Link from "next/link";
import { Button, buttonStyles } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";

/**
 * Shown instead of going back to Releases when a saved channel has components the source
 * did not find: the channel exists and its first sync is queued, but it will fail until
 * the path is fixed, so say so where the user just typed it. The same after an edit.
 */
export function ChannelSavedWarnings({
  id,
  name,
  warnings,
  onEditAgain,
}: {
  id: string;
  name: string;
  warnings: string[];
  /** After an edit: back to the form just left (a link to the same page would keep this card). */
  onEditAgain?: () => void;
}) {
  const edited = onEditAgain !== undefined;
  return (
    <Card>
      <CardHeader
        title={`Channel ${name} saved`}
        description={`${edited ? "A sync is queued" : "Its first sync is queued"}. The source said:`}
      />
      <CardBody className="space-y-4">
        <ul className="space-y-1 text-sm text-warning" role="alert" data-testid="channel-warnings">
          {warnings.map((warning) => (
            <li key={warning}>{warning}</li>
          ))}
        </ul>
        <div className="flex items-center gap-3">
          {onEditAgain ? (
            <Button variant="primary" onClick={onEditAgain}>
              Edit the channel
            </Button>
          ) : (
            <Link href={`/releases/channels/${id}/edit`} className={buttonStyles({ variant: "primary" })}>
              Edit the channel
            </Link>
          )}
          <Link href="/releases" className={buttonStyles({ variant: "ghost" })}>
            Go to Releases
          </Link>
        </div>
      </CardBody>
    </Card>
  );
}
