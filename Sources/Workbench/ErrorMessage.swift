import BNCore
import BNFormats
import BNInference
import BNLearning
import FactorKernels
import Foundation

/// The words and the kind of an error, as every front end shows it: what the command line
/// prints after `Error: `, what the C ABI writes into its error buffer (and Python raises).
public enum ErrorMessage {
    /// Which module's error it is: the C ABI's status code and Python's exception class.
    public enum Kind: Int32, Sendable {
        /// A bad argument or option (`WorkbenchError.usage`, a command of the REPL language).
        case usage = 1
        /// A model or data file that does not read (`FormatError`, with file:line:column).
        case format = 2
        /// An edit or a name the model refuses (`ModelError`, `FactorError`).
        case model = 3
        /// A question the engine cannot answer (`InferenceError`: impossible evidence, budgets).
        case inference = 4
        /// Learning that cannot proceed (`LearningError`).
        case learning = 5
        /// A file that cannot be read or written (`WorkbenchError.io`, Foundation's file errors).
        case io = 6
    }

    /// The message and kind of `error`. Foundation's file errors are put in words
    /// ("cannot read 'x.csv': no such file"), never "NSCocoaErrorDomain error 256".
    public static func describe(_ error: Error) -> (kind: Kind, text: String) {
        switch error {
        case let e as CocoaError:
            let path = (e.userInfo[NSFilePathErrorKey] as? String) ?? e.userInfo[NSURLErrorKey].map { "\($0)" }
            let what = (256..<512).contains(e.code.rawValue) ? "cannot read" : ((512..<1024).contains(e.code.rawValue) ? "cannot write" : "cannot use")
            return (.io, "\(what) \(path.map { "'\($0)'" } ?? "a file"): \(words(e.code))")
        case let e as WorkbenchError:
            if case .io = e { return (.io, e.description) }
            return (.usage, e.description)
        case let e as FormatError:
            // A file that could not be opened, read or written is the I/O kind, worded as the reader words it.
            let io = e.diagnostics.first.map { $0.location.line == 0 && ($0.message.hasPrefix("cannot read") || $0.message.hasPrefix("cannot write")) } ?? false
            return (io ? .io : .format, e.description)
        case is GzipError: return (.format, String(describing: error))
        case is ModelError, is FactorError: return (.model, String(describing: error))
        case is InferenceError, is KernelError, is BudgetError: return (.inference, String(describing: error))
        case is LearningError: return (.learning, String(describing: error))
        default: return (.usage, String(describing: error))
        }
    }

    /// A Foundation file error in user words.
    static func words(_ code: CocoaError.Code) -> String {
        switch code {
        case .fileNoSuchFile, .fileReadNoSuchFile: return "no such file"
        case .fileReadNoPermission, .fileWriteNoPermission: return "permission denied"
        case .fileWriteOutOfSpace: return "the disk is full"
        case .fileWriteVolumeReadOnly: return "the file system is read-only"
        case .fileReadInapplicableStringEncoding, .fileReadCorruptFile: return "it is not UTF-8 text"
        default: return "it is a folder, missing, or not readable"
        }
    }
}
