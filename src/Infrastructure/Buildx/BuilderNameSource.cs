using System.Text;

namespace Blacksmith.Infrastructure.Buildx;

/// <summary>
/// Names for the builders Blacksmith registers: <c>blacksmith-</c> and the time in milliseconds in base 36, as
/// setup-docker-builder names them (build-push-action recognises a Blacksmith builder by "blacksmith" in its name).
/// The clock is the seam; two names from one source never repeat, even within a millisecond.
/// </summary>
public sealed class BuilderNameSource
{
    public const string Prefix = "blacksmith-";

    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private long _last = long.MinValue;

    public BuilderNameSource(TimeProvider time)
    {
        _time = time;
    }

    public string Next()
    {
        long milliseconds;
        lock (_gate)
        {
            milliseconds = Math.Max(_time.GetUtcNow().ToUnixTimeMilliseconds(), _last + 1);
            _last = milliseconds;
        }

        return Prefix + Base36(milliseconds);
    }

    /// <summary>JavaScript's <c>Number.prototype.toString(36)</c> for a non-negative integer.</summary>
    private static string Base36(long value)
    {
        const string digits = "0123456789abcdefghijklmnopqrstuvwxyz";
        if (value <= 0)
        {
            return "0";
        }

        var text = new StringBuilder();
        for (; value > 0; value /= 36)
        {
            text.Insert(0, digits[(int)(value % 36)]);
        }

        return text.ToString();
    }
}
