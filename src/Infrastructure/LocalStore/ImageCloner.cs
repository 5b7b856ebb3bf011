using System.Runtime.InteropServices;
using Blacksmith.Infrastructure.Unix;
using Microsoft.Win32.SafeHandles;

namespace Blacksmith.Infrastructure.LocalStore;

/// <summary>
/// Makes an exposure's image: a reflink of the generation where the filesystem shares extents (xfs, btrfs), else a
/// copy of its data extents only, so that a 20 GiB image holding 2 GiB costs 2 GiB and not 20; or a new sparse image
/// when the key has none. A new image is left blank: the mount step formats a device without a filesystem, with the
/// same options it uses on the agent's disks, so a local disk is made exactly like a remote one.
/// </summary>
/// <remarks>Failures are <see cref="IOException"/>s whose <see cref="Exception.HResult"/> is the errno.</remarks>
internal static class ImageCloner
{
    // Copy in pieces so that a long copy notices cancellation.
    private const long Piece = 64L * 1024 * 1024;
    private const int BufferSize = 1024 * 1024;

    public static CloneMethod Clone(string? source, string target, long sizeBytes, CancellationToken cancellationToken)
    {
        using var stream = UnixFiles.OpenPrivateFile(target, FileMode.CreateNew, FileAccess.ReadWrite);
        var output = stream.SafeFileHandle;
        var method = CloneMethod.New;
        if (source is not null)
        {
            using var input = File.OpenHandle(source, FileMode.Open, FileAccess.Read);
            method = TryReflink(input, output) ? CloneMethod.Reflink : CopyDataExtents(input, output, cancellationToken);
        }

        // Never shrink: that would cut off the end of the generation's filesystem.
        if (RandomAccess.GetLength(output) < sizeBytes)
        {
            RandomAccess.SetLength(output, sizeBytes);
        }

        return method;
    }

    private static bool TryReflink(SafeFileHandle input, SafeFileHandle output)
    {
        var added = false;
        try
        {
            input.DangerousAddRef(ref added);
            if (Libc.IoctlInt(output, Libc.FileClone, (int)input.DangerousGetHandle()) == 0)
            {
                return true;
            }
        }
        finally
        {
            if (added)
            {
                input.DangerousRelease();
            }
        }

        var errno = Marshal.GetLastPInvokeError();
        return IsUnsupported(errno) ? false : throw Failure("could not reflink the generation", errno);
    }

    /// <summary>Copies what <c>SEEK_DATA</c> reports as data; holes stay holes in the target.</summary>
    private static CloneMethod CopyDataExtents(SafeFileHandle input, SafeFileHandle output, CancellationToken cancellationToken)
    {
        var length = RandomAccess.GetLength(input);
        RandomAccess.SetLength(output, length);
        var position = 0L;
        while (position < length)
        {
            var data = Libc.Seek(input, position, Libc.SeekData);
            if (data < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == Libc.NoSuchDeviceOrAddress)
                {
                    break; // nothing but a hole from here on
                }

                if (errno != Libc.InvalidArgument)
                {
                    throw Failure("could not find the data in the generation", errno);
                }

                // A filesystem without SEEK_DATA: all of it is data.
                CopyRange(input, output, position, length, cancellationToken);
                break;
            }

            var hole = Libc.Seek(input, data, Libc.SeekHole);
            if (hole < 0)
            {
                throw Failure("could not find the holes in the generation", Marshal.GetLastPInvokeError());
            }

            CopyRange(input, output, data, Math.Min(hole, length), cancellationToken);
            position = hole;
        }

        return CloneMethod.SparseCopy;
    }

    private static unsafe void CopyRange(SafeFileHandle input, SafeFileHandle output, long start, long end, CancellationToken cancellationToken)
    {
        var offset = start;
        while (offset < end)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var inputOffset = offset;
            var outputOffset = offset;
            var copied = Libc.CopyFileRange(input, &inputOffset, output, &outputOffset, (nuint)Math.Min(Piece, end - offset), 0);
            if (copied < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == Libc.Interrupted)
                {
                    continue;
                }

                if (!IsUnsupported(errno))
                {
                    throw Failure("could not copy the generation", errno);
                }

                CopyRangeThroughBuffer(input, output, offset, end, cancellationToken);
                return;
            }

            if (copied == 0)
            {
                throw new IOException($"the generation ended at {offset} bytes while copying up to {end}");
            }

            offset += copied;
        }
    }

    /// <summary>Where copy_file_range cannot: read and write, skipping all-zero blocks so they stay holes.</summary>
    private static void CopyRangeThroughBuffer(SafeFileHandle input, SafeFileHandle output, long start, long end, CancellationToken cancellationToken)
    {
        var buffer = new byte[BufferSize];
        for (var offset = start; offset < end;)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var read = RandomAccess.Read(input, buffer.AsSpan(0, (int)Math.Min(buffer.Length, end - offset)), offset);
            if (read == 0)
            {
                throw new IOException($"the generation ended at {offset} bytes while copying up to {end}");
            }

            var block = buffer.AsSpan(0, read);
            if (block.ContainsAnyExcept((byte)0))
            {
                RandomAccess.Write(output, block, offset);
            }

            offset += read;
        }
    }

    private static bool IsUnsupported(int errno) =>
        errno == Libc.NotSupported || errno == Libc.CrossDevice || errno == Libc.InvalidArgument
        || errno == Libc.NotATypewriter || errno == Libc.NotImplemented;

    private static IOException Failure(string what, int errno) => new($"{what}: {Libc.Describe(errno)}", errno);
}
