namespace Blacksmith.Infrastructure.LocalStore;

/// <summary>How an exposure's clone of its key's last committed generation was made.</summary>
public enum CloneMethod
{
    /// <summary>The key had no committed generation: a new sparse image (left blank) or an empty directory.</summary>
    New,

    /// <summary>The image's extents are shared copy-on-write (<c>FICLONE</c>): instant, and no space until written.</summary>
    Reflink,

    /// <summary>Only the image's data extents were copied (<c>SEEK_DATA</c>/<c>SEEK_HOLE</c>); holes stay holes.</summary>
    SparseCopy,

    /// <summary>The directory tree was copied with <c>cp -a --reflink=auto</c> (shared extents where the filesystem can).</summary>
    TreeCopy,
}
